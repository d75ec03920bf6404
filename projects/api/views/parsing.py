"""Request bodies of the project views."""


def _parse(serializer_class, request, **context) -> dict:
    """Validate a request body (400 naming the fields) and return plain values."""
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
