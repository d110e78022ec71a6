-- wrk script: POST /api/v1/reports as a citizen (the token in the TOKEN environment variable).
local token = os.getenv("TOKEN")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.body = [[{"title":"Ổ gà lớn trên đường Trần Hưng Đạo","content":"Ổ gà sâu khoảng 20 cm giữa làn xe máy trước số 45, rất nguy hiểm vào ban đêm.","category_code":"giao-thong","address":"Trước số 45 Trần Hưng Đạo, Phường 2","admin_unit_code":"92","reporter":{"full_name":"Trần Thị Bình","contact_address":"27 Lê Lợi, khóm 3, Phường 6","cccd":"094185001234","phone":"0918765432"}}]]
