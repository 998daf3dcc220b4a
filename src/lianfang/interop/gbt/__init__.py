"""GB/T 38963-2020 个人健康信息码 应用接口: the five interface operations (declare, query, make a code, verify
a code, correct) as an API family of their own (`api`, OpenAPI section "GB/T 38963"), mapped onto the
travel, control, assignments and healthcodes services (`service`)."""
