"""Information release and public opinion (信息发布、舆情和12345热线, MISSION R24-R25): the daily bulletin
generated from the data, approved by the office and published on the public information page with the
risk-area list and policy explanations; press-conference briefing notes; hotline tickets and public
questions, classified, routed to the responsible jurisdiction as assignments and counted by theme."""
