from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """Local private files under PRIVATE_ROOT. They have no URL: only a view that checks
    ownership may stream them."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @cached_property
    def base_url(self) -> None:
        return None

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


class BackupFileSystemStorage(PrivateFileSystemStorage):
    """Backups in a local folder, BACKUP_DIR (ops.backups): no URL either."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.BACKUP_DIR)

    def _clear_cached_properties(self, setting, **kwargs) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "BACKUP_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
