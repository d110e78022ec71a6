-- wrk script: a submission refused for its content (not Vietnamese): 422 before any write.
local token = os.getenv("TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = [[{"title":"A big pothole on the main road","content":"There is a deep pothole in the middle of the lane in front of number 45.","category_code":"giao-thong","address":"Trước số 45 Trần Hưng Đạo, Phường 2","admin_unit_code":"92","reporter":{"full_name":"Trần Thị Bình","contact_address":"27 Lê Lợi, khóm 3, Phường 6","cccd":"094185001234","phone":"0918765432"}}]]
