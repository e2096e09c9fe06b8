"""Static files storage: WhiteNoise's compressed, hashed files once collectstatic has run, and the
plain file names before it (tests, a bare checkout), rather than an error on every page."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            return name
