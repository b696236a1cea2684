"""The online-ordering API's door (contract section 7): `PUT /v1/Customers`, in JSON or XML."""
