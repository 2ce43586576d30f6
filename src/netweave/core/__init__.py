"""The matching core: pure Python, no web imports.

Data flows one way: registrations -> :class:`~netweave.core.people.Person` records ->
:class:`~netweave.core.affinity.Affinity` (scores and reasons) -> rounds -> groups ->
:class:`~netweave.core.plan.Plan`.
"""
