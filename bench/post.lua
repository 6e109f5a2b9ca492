-- wrk script: POST $BENCH_BODY as JSON (the assessment's answers).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
