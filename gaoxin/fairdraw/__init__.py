"""fairdraw: publicly verifiable allocation draws (pure library, no Django)."""
