-- wrk script: POST /api/v1/intake/email as the mail server does, each message different (its
-- Message-ID and a counter in the text), a Vietnamese subject in RFC 2047 and a 2 KB JPEG.
local key = os.getenv("INTAKE_KEY")
wrk.method = "POST"
wrk.headers["Content-Type"] = "message/rfc822"
wrk.headers["Intake-Key"] = key
local jpeg = "/9j/4AAQSkZJRgABAQAA" .. string.rep("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH\r\n", 36)
local n = 0
local tag = "0"
-- Each thread writes its own messages (the same bytes twice would be one message).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  tag = tostring(tid) .. "-" .. tostring(os.time())
end
request = function()
  n = n + 1
  local id = tag .. "." .. n
  local body = "From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <an.nguyen@example.vn>\r\n" ..
    "To: paht@soctrang.gov.vn\r\n" ..
    "Subject: =?UTF-8?B?xJDDqG4gxJHGsOG7nW5nIGjGsA==?= " .. id .. "\r\n" ..
    "Date: Mon, 2 Mar 2026 08:54:40 +0700\r\n" ..
    "Message-ID: <" .. id .. "@bench.example.vn>\r\n" ..
    "MIME-Version: 1.0\r\n" ..
    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" ..
    "--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" ..
    "Đèn đường trên đường Lê Lợi, khóm 3, Phường 6 bị hư ba ngày nay (" .. id .. ").\r\n" ..
    "--b\r\nContent-Type: image/jpeg; name=\"den.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" ..
    jpeg .. "--b--\r\n"
  return wrk.format(nil, nil, nil, body)
end
