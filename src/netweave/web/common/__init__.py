"""The bottom layer of the web apps: what every app may use and that knows no app.

Rate limits and sign-in guarding (:mod:`.security`), whom to believe behind a proxy
(:mod:`.proxy`), single-use emailed secrets (:mod:`.onetime`), field validators
(:mod:`.validators`) and the extension points by which feature apps add organizer tabs
(:mod:`.tabs`), participant panels (:mod:`.panels`) and personal data (:mod:`.personal_data`)
without the apps above them importing every feature.
"""
