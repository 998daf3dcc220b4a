"""The case (病例): open one (by hand or pending from a positive result), edit it, move it through its
states, record interview entries; the case list and its export."""
