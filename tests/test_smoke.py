from conftest import valid_customer


def test_a_valid_customer_registers(client):
    response = client.post("/api/v1/customers", json=valid_customer())
    assert response.status_code == 201, response.get_json()
