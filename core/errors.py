"""Domain errors raised by services. The API maps each `code` to an HTTP status."""


class DomainError(Exception):
    """A business rule refused the operation; `code` is the machine-readable reason."""

    code = "domain_error"
    status = 409

    def __init__(self, message: str = "", *, code: str | None = None, fields: dict | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """The input breaks a rule of the domain."""

    code = "invalid"
    status = 400


class NotAllowed(DomainError):
    """The user may see the object but not do this to it."""

    code = "permission_denied"
    status = 403


class InvalidTransition(DomainError):
    """The object's current state does not allow this action."""

    code = "invalid_transition"


class InsufficientFunds(DomainError):
    """The funding resource does not have enough money left."""

    code = "insufficient_funds"


class DeadlinePassed(DomainError):
    """The deadline for this action has passed."""

    code = "deadline_passed"
