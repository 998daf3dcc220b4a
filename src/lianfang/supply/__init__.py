"""Market supply and prices (R26): designated outlets report daily stock and prices of key goods; low
days of cover and price jumps raise alerts and assignments for the district's supply group."""
