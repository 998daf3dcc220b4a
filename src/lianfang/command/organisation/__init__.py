"""The organisation of the mechanism (一办十九组, R1): bodies with written duties, the city leader linked
to each district (R3), and four-party responsibility of units and venues."""
