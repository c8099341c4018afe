"""clinic_bi: analytics for private clinics from the exports they already have."""

__version__ = "0.1.0"
