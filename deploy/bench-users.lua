-- wrk script: GET /v1/recommendations for every Beauty user in turn (ids 1..22363), novelty 0.3.
counter = 0
request = function()
  counter = counter + 1
  local user = (counter * 7919) % 22363 + 1
  return wrk.format("GET", "/v1/recommendations?user_id=" .. user .. "&novelty=0.3")
end
