"""The one shape of a domain error: a message for the person who asked, and the problems
behind it.

Every verb of the web apps that refuses a request raises a :class:`DomainError` subclass
(``PlanError``, ``LiveError``, ``IntroError``, ``FollowupError``, ``ImportRejectedError``,
``RegistrationClosedError``...). Views catch the app's class and show :attr:`message`, with
:attr:`problems` as a list under it when there are several (rows of a file, rules a plan
breaks); nothing else about an error is needed to show it.

>>> error = DomainError("The file was not imported.", ["line 3: no email", "line 9: no name"])
>>> str(error), error.problems
('The file was not imported.', ['line 3: no email', 'line 9: no name'])
>>> DomainError().message  # a subclass's docstring's first line is the default message
'A request that cannot be done; the message says why.'
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DomainError"]


class DomainError(ValueError):
    """A request that cannot be done; the message says why.

    ``problems`` are the individual reasons (strings, or records with a ``__str__`` such as
    the core's ``Issue``), in the order found.
    """

    def __init__(self, message: str = "", problems: Iterable[object] = ()) -> None:
        self.message = message or (self.__doc__ or "").strip().splitlines()[0]
        self.problems = list(problems)
        super().__init__(self.message)
