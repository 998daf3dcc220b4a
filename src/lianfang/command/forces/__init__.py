"""Forces (流调、采样、封控、转运队伍, R18) and their moves between districts."""
