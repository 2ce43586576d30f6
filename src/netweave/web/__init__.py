"""The Django web layer: a thin shell over :mod:`netweave.core`.

Apps: ``community`` (communities, organizers, members), ``events`` (events, registrations),
``matching`` (plan versions and their rows, curation verbs), ``mail`` (outbox),
``orga`` (organizer pages) and ``portal`` (participant pages reached by token links).
"""
