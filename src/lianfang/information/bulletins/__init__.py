"""The daily bulletin (信息发布): generated from the data, edited, approved, published and corrected;
briefing notes, policy explanations, and the public information page."""
