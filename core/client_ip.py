"""The client's address as the login throttle (django-axes) should see it."""


def behind_proxy(request) -> str | None:
    """Behind our nginx, the last X-Forwarded-For entry is the address nginx saw (it replaces
    the header with `$remote_addr`); earlier entries are whatever the client claimed and are
    never trusted. Without the header, the socket's address."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
