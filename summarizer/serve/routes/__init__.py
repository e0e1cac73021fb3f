"""The API's routes, a router per resource; `create_app` includes them."""
