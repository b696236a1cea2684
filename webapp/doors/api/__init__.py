"""The JSON API door (contract section 4): `/api/v1/customers`."""
