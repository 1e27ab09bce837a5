"""The portal's pages: `portal` for citizens (no login), `office` for triage and settings."""
