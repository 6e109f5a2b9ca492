-- wrk script: request the paths listed in $BENCH_PATHS_FILE in turn.
-- bench/run.py runs wrk with one thread, so the order is the file's.
function init(args)
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS_FILE")) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  next_path = 0
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end
