"""The web-store API's door (contract section 8): `POST /api/v3/<storeId>/customers`."""
