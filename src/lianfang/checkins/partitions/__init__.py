"""Day partitions of the scans table (PostgreSQL) and the retention that drops whole days."""
