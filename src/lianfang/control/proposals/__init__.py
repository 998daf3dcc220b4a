"""Proposals made when a case is confirmed (R20): seal the residence building, control the workplace,
orders for contacts; the district confirms them with one action."""
