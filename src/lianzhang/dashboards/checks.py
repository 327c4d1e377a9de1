"""System check: the gap thresholds in settings must make sense (refused at start-up
with the engine's message rather than producing wrong figures later)."""

from django.core.checks import Error, register

from chainkit.errors import InputError

__all__ = ["check_gap_settings"]


@register()
def check_gap_settings(app_configs, **kwargs):
    """Validate LIANZHANG_GAP_SETTINGS with chainkit.gaps.validate_settings."""
    from .data import gap_settings

    try:
        gap_settings()
    except InputError as exc:
        return [Error(f"LIANZHANG_GAP_SETTINGS: {exc}", id="lianzhang.E001")]
    return []
