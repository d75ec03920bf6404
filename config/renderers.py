"""The API's JSON renderer (its own module: config.api imports DRF views, which read the
renderer setting, so defining it there would be a circular import)."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """UTF-8 JSON, except when the data holds a lone surrogate (an error message may echo the
    client's input, e.g. "\\ud800"), which UTF-8 cannot encode: then every non-ASCII character
    is escaped instead of the response failing with a 500."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)
