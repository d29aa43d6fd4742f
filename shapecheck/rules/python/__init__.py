"""SC4xx: Python faults and API misuse."""
