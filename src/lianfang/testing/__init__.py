"""Mass nucleic-acid testing with pooled samples (混采, e.g. 10混1).

Sub-features (router.py gathers their routes):
- rounds/: rounds over an area with pooling modes per area and per zone (order_round, set_area_mode,
  set_zones, close_round; testing knows zones only as what the caller hands over, `rules.ZoneArea`;
  control orders rounds for its zones) and their progress per community (refresh).
- sites/: sampling sites, teams and labs.
- samples/: tubes and samples (open_tube, add_samples, close_tube, ship, receive); registration for
  many requests at once (writer.register, set-based), served by hot paths with group commit (hot).
- results/: lab results (record_results; a lab's file, rows from the API and individual results:
  imports).
- pooling/: operating characteristics of pooled testing (rules: dorfman, square_array, advise) and
  the `pool-advice` command (cli).
The root holds models, rules, access, repository, schemas, events, the hub page, tasks and demo.
Publishes: ResultPositive, PoolPositive, ResultsRecorded, RoundOrdered (ResultNegative is defined and
not published yet). Consumes: nothing.
"""
