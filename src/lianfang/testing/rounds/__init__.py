"""Testing rounds over an area with pooling modes per area and per zone, their progress per community
(pre-aggregated) and the door-knocking list of people not yet sampled."""
