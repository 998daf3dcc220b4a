"""Information release and public opinion (信息发布、舆情和12345热线, MISSION R24-R25).

Sub-features (router.py gathers their routes):
- bulletins/: the daily bulletin generated from the data (views: the figures), approved by the office
  and published on the public information page with the risk-area list and policy explanations;
  press-conference briefing notes (generate, regenerate, edit, approve, publish, revise, save_policy).
- tickets/: hotline tickets and public questions, classified, routed to the responsible jurisdiction
  as assignments and counted by theme (log_ticket, classify, theme_counts).
The root holds models, rules, schemas and demo.
Publishes: nothing. Consumes: nothing.
"""
