"""The FastAPI front end: routes, error mapping, schemas, the chart page's template and assets."""
