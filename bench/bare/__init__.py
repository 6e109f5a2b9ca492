"""The bench's floor: a bare Django project, one view, no middleware.

``make bench`` serves it with gunicorn exactly as it serves the product
(gunicorn.conf.py, same workers and threads) and reports every row as a ratio
to it, so the ratios show what the product's own stack costs, middleware and
logging included, not only what its views cost.
"""
