"""Pure domain model: campaign documents, lifecycle, policies and validation rules."""
