"""Every text a citizen can see, in Thai and English: `Message(code, th, en)`; `msg(code)` looks one up.

The session flow (`kiosk.journey`) never carries sentences, only message codes (`View.title`,
`View.body`, `View.error`, `View.notices`, ...); the UI renders `msg(code).text(language)`.
Face-guidance hints come from `kiosk.face` with their own Thai/English text and reach the view as
`Message` objects directly (`View.camera_hint`).

Codes are stable strings (tests and the UI refer to them). `msg()` raises `KeyError` naming the
unknown code (a programming error, caught by the tests that walk every view).

Texts with a placeholder use `{name}` and are filled with `Message.format(**values)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Language = Literal["th", "en"]


@dataclass(frozen=True, slots=True)
class Message:
    code: str
    th: str
    en: str

    def text(self, language: Language) -> str:
        return self.th if language == "th" else self.en

    def format(self, **values: object) -> Message:
        return Message(self.code, self.th.format(**values), self.en.format(**values))


_ALL: tuple[Message, ...] = (
    # --- titles of the screens ---
    Message("idle.title", "ยืนยันตัวตนด้วยบัตรประชาชน", "Verify your identity with your ID card"),
    Message("idle.body", "แตะหน้าจอหรือเสียบบัตรประชาชนเพื่อเริ่ม", "Touch the screen or insert your ID card to start"),
    Message("idle.bring.dga-smart-kiosk", "สิ่งที่ต้องใช้: บัตรประชาชนตัวจริง · โทรศัพท์มือถือที่รับ SMS ได้ · แอปทางรัฐในโทรศัพท์", "You will need: your own ID card · a mobile phone that receives SMS · the Tang Rat app on your phone"),
    Message("idle.bring.boonterm", "สิ่งที่ต้องใช้: บัตรประชาชนตัวจริง · โทรศัพท์มือถือที่รับ SMS ได้", "You will need: your own ID card · a mobile phone that receives SMS"),
    Message("out_of_service.title", "ขออภัย ตู้นี้งดให้บริการชั่วคราว", "Sorry, this kiosk is out of service for now"),
    Message("choose.title", "เลือกบริการ", "Choose a service"),
    Message("choose.body", "แตะบริการที่ต้องการ", "Touch the service you need"),
    Message("service.ial_upgrade", "ยืนยันตัวตนสำหรับแอปทางรัฐ", "Verify your identity for the Tang Rat app"),
    Message("service.register", "ลงทะเบียนแอปทางรัฐ", "Register for Tang Rat"),
    Message("service.app_scan", "แสดงคิวอาร์โค้ดจากแอปทางรัฐให้กล้อง", "Show the QR code from the Tang Rat app"),
    Message("continue_with.title", "รับผลทาง", "Receive the result by"),
    Message("continue_with.qr", "คิวอาร์โค้ดบนจอนี้", "A QR code on this screen"),
    Message("continue_with.sms", "ลิงก์ทาง SMS", "An SMS link"),
    Message("scan_app.title", "แสดงคิวอาร์โค้ดจากแอปทางรัฐ", "Show the QR code from the Tang Rat app"),
    Message(
        "scan_app.body",
        "เปิดแอปทางรัฐ เลือก \"ยืนยันตัวตนที่ตู้\" แล้วถือโทรศัพท์ให้หน้าจอหันเข้าหากล้องด้านบนของตู้",
        "Open the Tang Rat app, choose \"Verify at a kiosk\", and hold your phone with its screen facing the camera at the top of the kiosk",
    ),
    Message("scan_app.skip", "ไม่สามารถแสดงคิวอาร์โค้ดได้", "I cannot show the QR code"),
    Message("scan_app.foreign", "คิวอาร์โค้ดนี้ไม่ใช่ของแอปทางรัฐ กรุณาเปิดคิวอาร์โค้ดสำหรับยืนยันตัวตนที่ตู้ในแอปทางรัฐ", "This QR code is not from the Tang Rat app. Please open the app's QR code for verifying at a kiosk"),
    Message("scan_app.more_time", "ต้องการเวลาเพิ่มหรือไม่", "Do you need more time?"),
    Message("scan_app.more_time_yes", "ต้องการเวลาเพิ่ม", "Yes, more time"),
    Message("scan_app.more_time_no", "ไม่ ยกเลิก", "No, stop"),
    Message("scan.hint.move_closer", "กรุณาถือโทรศัพท์ให้ใกล้กล้องมากขึ้น", "Please hold your phone closer to the camera"),
    Message("scan.hint.avoid_glare", "มีแสงสะท้อนบนหน้าจอโทรศัพท์ กรุณาเอียงโทรศัพท์เล็กน้อย", "There is glare on your phone's screen: please tilt it a little"),
    Message("scan.hint.hold_still", "กรุณาถือโทรศัพท์นิ่ง ๆ", "Please hold your phone still"),
    Message("consent.title", "ความยินยอม", "Your consent"),
    Message(
        "consent.body",
        "• ตู้นี้จะอ่านข้อมูลจากบัตรประชาชนของท่าน\n"
        "• ถ่ายภาพใบหน้าของท่านเพื่อเปรียบเทียบกับรูปในบัตร ภาพใช้เพื่อการนี้เท่านั้นและถูกลบทันทีเมื่อเสร็จ\n"
        "• ตรวจสอบหมายเลขโทรศัพท์มือถือของท่านด้วยรหัสทาง SMS\n"
        "• ส่งผลการยืนยันตัวตนไปยังระบบกลางอย่างปลอดภัย\n"
        "ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562 (ประกาศฉบับ{version})",
        "• This kiosk will read your ID card\n"
        "• It takes a picture of your face to compare with the card photo; the picture is used for "
        "nothing else and is deleted as soon as you finish\n"
        "• It checks your mobile number with a code sent by SMS\n"
        "• It sends the result securely to the central system\n"
        "Under the Personal Data Protection Act B.E. 2562 (notice of {version})",
    ),
    Message("consent.accept", "ยินยอม", "I agree"),
    Message("consent.decline", "ไม่ยินยอม", "I do not agree"),
    Message("insert_card.title", "กรุณาเสียบบัตรประชาชน", "Please insert your ID card"),
    Message("insert_card.body", "เสียบบัตรโดยให้ชิปหงายขึ้นและหันเข้าหาเครื่อง", "Insert the card chip side up, chip first"),
    Message("reading.title", "กำลังอ่านบัตร", "Reading your card"),
    Message("reading.body", "กรุณาอย่าดึงบัตรออก", "Please do not remove the card"),
    Message("face.title", "ถ่ายภาพใบหน้า", "Face check"),
    Message("face.body", "มองกล้องและให้ใบหน้าอยู่ในกรอบวงรี", "Look at the camera and keep your face inside the oval"),
    Message("face.greeting", "สวัสดีคุณ{name} อ่านบัตรของท่านแล้ว", "Hello, {name}: your card has been read"),
    Message("face.waiting_photo", "กำลังเตรียมรูปจากบัตร", "Preparing the card photo"),
    Message("challenge.blink", "กรุณากะพริบตา", "Please blink"),
    Message("challenge.turn_left", "กรุณาหันหน้าไปทางซ้ายช้า ๆ", "Please turn your head slowly to the left"),
    Message("challenge.turn_right", "กรุณาหันหน้าไปทางขวาช้า ๆ", "Please turn your head slowly to the right"),
    Message("phone.title", "หมายเลขโทรศัพท์มือถือ", "Mobile phone number"),
    Message("phone.body", "กรอกหมายเลขโทรศัพท์มือถือ 10 หลักของท่าน", "Enter your 10-digit mobile number"),
    Message("otp.title", "รหัสยืนยันทาง SMS", "Code sent by SMS"),
    Message("otp.body", "กรอกรหัส 6 หลักที่ส่งไปยัง {phone}", "Enter the 6-digit code sent to {phone}"),
    Message("otp.resend", "ส่งรหัสอีกครั้ง", "Send the code again"),
    Message("otp.change_number", "แก้ไขหมายเลข", "Change the number"),
    Message("otp.resent", "ส่งรหัสใหม่แล้ว รหัสเดิมใช้ไม่ได้อีก", "A new code was sent: the earlier code no longer works"),
    Message("cancel.title", "ต้องการยกเลิกรายการหรือไม่", "Cancel this session?"),
    Message("cancel.body", "ข้อมูลที่ทำไว้จะถูกลบ และต้องเริ่มใหม่ทั้งหมด", "What you have done so far will be deleted and you will have to start again"),
    Message("cancel.keep", "ทำรายการต่อ", "Keep going"),
    Message("cancel.confirm", "ยกเลิกรายการ", "Cancel the session"),
    Message("ask_help.title", "ต้องการขอความช่วยเหลือจากเจ้าหน้าที่หรือไม่", "Get help from staff?"),
    Message("ask_help.body", "รายการที่ตู้นี้จะสิ้นสุด ท่านจะได้รับใบนำส่งพร้อมเลขอ้างอิงเพื่อแสดงต่อเจ้าหน้าที่", "This session ends here, and you get a slip with a reference to show staff"),
    Message("ask_help.yes", "ขอความช่วยเหลือ", "Get help"),
    Message("phone.no_phone", "ไม่มีโทรศัพท์มือถือ", "I have no mobile phone"),
    Message("referral.no_phone", "การยืนยันตัวตนที่ตู้นี้ต้องใช้โทรศัพท์มือถือ", "Verifying at this kiosk needs a mobile phone"),
    Message("referral.asked", "ท่านขอความช่วยเหลือจากเจ้าหน้าที่", "You asked for help from staff"),
    Message("referral.where", "ติดต่อเจ้าหน้าที่ที่", "Where to go"),
    Message("referral.slip", "ใบนำส่งเจ้าหน้าที่", "Please see staff"),
    Message("rating.title", "ท่านพอใจกับบริการวันนี้เพียงใด", "How satisfied are you with the service today?"),
    Message("rating.body", "แตะคะแนน 1 ถึง 5 หรือแตะข้าม", "Touch a score from 1 to 5, or Skip"),
    Message("rating.1", "ไม่พอใจมาก", "Very unsatisfied"),
    Message("rating.2", "ไม่พอใจ", "Unsatisfied"),
    Message("rating.3", "พอใช้", "Fair"),
    Message("rating.4", "พอใจ", "Satisfied"),
    Message("rating.5", "พอใจมาก", "Very satisfied"),
    Message("issuing.title", "กำลังออกผลการยืนยันตัวตน", "Issuing your result"),
    Message("result_qr.title", "ยืนยันตัวตนสำเร็จ", "Identity verified"),
    Message(
        "result_qr.body",
        "เปิดแอปทางรัฐแล้วสแกนคิวอาร์โค้ดนี้ ตรวจสอบว่าแอปแสดงรหัส {code}",
        "Open the Tang Rat app and scan this QR code. Check that the app shows code {code}",
    ),
    Message("result_app.title", "ยืนยันตัวตนสำเร็จ", "Identity verified"),
    Message("result_app.body", "เปิดแอปทางรัฐ แอปจะยืนยันผลให้ท่านในอีกสักครู่", "Open the Tang Rat app: it will confirm in a moment"),
    Message("result_sms.title", "ยืนยันตัวตนสำเร็จ", "Identity verified"),
    Message("result_sms.body", "ลิงก์ทาง SMS กำลังส่งไปที่ {phone} เปิดลิงก์ในโทรศัพท์เพื่อทำรายการต่อในแอปทางรัฐ", "An SMS link is on its way to {phone}. Open it on your phone to continue in the Tang Rat app"),
    Message(
        "result_none.body",
        "ยืนยันตัวตนสำเร็จ แต่ไม่สามารถตรวจสอบหมายเลขโทรศัพท์ได้ จึงไม่มีการส่ง SMS "
        "กรุณาติดต่อศูนย์บริการพร้อมใบรับ",
        "Your identity is verified, but your phone number could not be checked, so no SMS is sent. "
        "Please contact the help line with your receipt",
    ),
    Message("printing.title", "กำลังพิมพ์ใบรับ", "Printing your receipt"),
    Message("take_card.title", "กรุณารับบัตรประชาชนคืน", "Please take your ID card"),
    Message("take_card.reminder", "อย่าลืมบัตรประชาชนของท่าน", "Do not forget your ID card"),
    Message("thank_you.title", "ขอบคุณที่ใช้บริการ", "Thank you"),
    Message("thank_you.declined", "ท่านไม่ได้ให้ความยินยอม ตู้จึงไม่ได้อ่านหรือเก็บข้อมูลส่วนบุคคลของท่าน ขอบคุณ", "You did not give consent, so none of your personal data was read or kept. Thank you"),
    Message("error.title", "ขออภัย", "Sorry"),
    # --- buttons and common bits ---
    Message("button.cancel", "ยกเลิก", "Cancel"),
    Message("button.done", "เสร็จสิ้น", "Done"),
    Message("button.ok", "ตกลง", "OK"),
    Message("button.language", "English", "ภาษาไทย"),
    Message("button.still_here", "ทำรายการต่อ", "Continue"),
    Message("button.help", "ขอความช่วยเหลือ", "Get help"),
    Message("button.skip", "ข้าม", "Skip"),
    Message("button.repeat", "ฟังอีกครั้ง", "Say it again"),
    Message("button.softer", "เสียงเบาลง", "Softer"),
    Message("button.louder", "เสียงดังขึ้น", "Louder"),
    Message("still_there.title", "ท่านยังทำรายการอยู่หรือไม่", "Are you still there?"),
    Message("still_there.body", "รายการจะยกเลิกใน {seconds} วินาที", "This session ends in {seconds} seconds"),
    Message("help.dga-smart-kiosk", "ศูนย์บริการ สพร. โทร 02 612 6060", "DGA Contact Center 02 612 6060"),
    Message("help.boonterm", "ศูนย์บริการบุญเติม โทร 1220", "Boonterm help line 1220"),
    Message("steps.service", "บริการ", "Service"),
    Message("steps.consent", "ยินยอม", "Consent"),
    Message("steps.card", "บัตร", "Card"),
    Message("steps.face", "ใบหน้า", "Face"),
    Message("steps.phone", "โทรศัพท์", "Phone"),
    Message("steps.result", "ผล", "Result"),
    Message("unit.seconds", "วินาที", "sec"),
    Message("result.code_label", "รหัสที่แอปจะแสดง", "Code the app will show"),
    Message("result.time_left", "เวลาที่เหลือ", "Time left"),
    Message("result.reference", "เลขอ้างอิง {reference}", "Reference {reference}"),
    Message("consent.full_notice", "อ่านประกาศความเป็นส่วนตัวฉบับเต็ม: สแกนคิวอาร์โค้ดนี้", "Read the full privacy notice: scan this QR code"),
    Message("simulation.banner", "โหมดจำลอง", "SIMULATION"),
    Message("face.seconds_left", "เหลือเวลา {face_seconds} วินาที", "{face_seconds} seconds left"),
    # --- notices (shown alongside a screen) ---
    Message("notice.receipt_not_printed", "ไม่สามารถพิมพ์ใบรับได้ ผลการยืนยันตัวตนยังใช้ได้ตามปกติ โปรดจดเลขอ้างอิง {reference} ไว้", "The receipt could not be printed. Your result is still valid: please write down the reference {reference}"),
    Message("receipt.continue.qr", "คิวอาร์โค้ดสำหรับแอปทางรัฐแสดงบนหน้าจอตู้ ใบรับนี้ไม่มีคิวอาร์โค้ด หากยังไม่ได้สแกน กรุณาเริ่มใหม่ที่ตู้ใดก็ได้", "The QR code for the Tang Rat app was shown on the kiosk screen; this receipt has none. If you did not scan it, start again at any kiosk"),
    Message("receipt.continue.sms", "ลิงก์สำหรับทำรายการต่อในแอปทางรัฐส่งทาง SMS ไปที่ {phone}", "The link to continue in the Tang Rat app was sent by SMS to {phone}"),
    Message("receipt.continue.app_scan", "ผลการยืนยันตัวตนส่งไปยังแอปทางรัฐที่แสดงคิวอาร์โค้ดให้ตู้อ่าน เปิดแอปเพื่อดูผล", "The result goes to the Tang Rat app that showed its QR code to the kiosk: open the app to see it"),
    Message("receipt.continue.none", "ไม่ได้ส่ง SMS หากต้องการความช่วยเหลือ กรุณาติดต่อศูนย์บริการพร้อมเลขอ้างอิงนี้", "No SMS was sent. For help, call the help line below with this reference"),
    Message("notice.degraded.phone", "ขณะนี้ตรวจสอบหมายเลขโทรศัพท์ไม่ได้ ผลการยืนยันตัวตนจะระบุว่าไม่ได้ตรวจสอบโทรศัพท์", "The phone number cannot be checked right now: your result will say the phone was not checked"),
    Message("notice.degraded.sms", "ขณะนี้ส่งลิงก์ทาง SMS ไม่ได้ หลังยืนยันตัวตนกรุณาติดต่อศูนย์บริการพร้อมเลขอ้างอิง", "The SMS link cannot be sent right now: after verifying, call the help line with your reference"),
    Message("notice.degraded.receipt", "ขณะนี้พิมพ์ใบรับไม่ได้ โปรดจดเลขอ้างอิงที่แสดงตอนท้าย", "Receipts cannot be printed right now: please write down the reference shown at the end"),
    Message("notice.take_receipt", "โปรดรับใบรับจากช่องด้านล่างและเก็บไว้เป็นหลักฐาน", "Please take your receipt from the slot below and keep it"),
    Message("notice.phone_not_verified", "ไม่ได้ตรวจสอบหมายเลขโทรศัพท์ เนื่องจากระบบออฟไลน์", "The phone number was not checked because the system is offline"),
    # --- input errors (the citizen retries on the same screen) ---
    Message("phone.invalid", "หมายเลขไม่ถูกต้อง กรุณากรอกหมายเลขโทรศัพท์มือถือ 10 หลัก เช่น 081 234 5678", "That is not a valid mobile number. Enter 10 digits, e.g. 081 234 5678"),
    Message("otp.wrong", "รหัสไม่ถูกต้อง เหลืออีก {attempts} ครั้ง", "Wrong code. {attempts} tries left"),
    Message("otp.invalid", "กรุณากรอกรหัส 6 หลัก", "Please enter the 6 digits"),
    Message("otp.expired_resend", "รหัสหมดอายุ กรุณากดส่งรหัสอีกครั้ง", "The code has expired. Touch 'Send the code again'"),
    Message("otp.wait_resend", "กรุณารอ {seconds} วินาทีก่อนขอรหัสใหม่", "Please wait {seconds} seconds before asking for a new code"),
    # --- errors that end the session: what happened + what to do ---
    Message("error.card_unreadable", "ไม่สามารถอ่านบัตรได้", "The card could not be read"),
    Message("error.card_not_thai_id", "บัตรนี้ไม่ใช่บัตรประจำตัวประชาชน", "This is not a Thai national ID card"),
    Message("error.card_expired", "บัตรประชาชนหมดอายุ", "Your ID card has expired"),
    Message("error.card_status_abnormal", "บัตรนี้ใช้ทำรายการที่ตู้นี้ไม่ได้", "This card cannot be used at this kiosk"),
    Message("error.card_status_unavailable", "ขณะนี้ตรวจสอบสถานะบัตรกับระบบทะเบียนราษฎรไม่ได้", "The card's status cannot be checked with the national registry right now"),
    Message("error.card_invalid", "ข้อมูลในบัตรไม่ถูกต้อง", "The data on the card is not valid"),
    Message("error.card_removed", "บัตรถูกดึงออกก่อนเสร็จสิ้น", "The card was removed before the end"),
    Message("error.card_swapped", "ตรวจพบการเปลี่ยนบัตรระหว่างทำรายการ", "A different card was inserted during the session"),
    Message("error.face_mismatch", "ใบหน้าไม่ตรงกับรูปในบัตร", "Your face did not match the card photo"),
    Message("error.liveness_failed", "ตู้ยังตรวจใบหน้าไม่สำเร็จ", "The kiosk could not complete the face check"),
    Message("error.liveness_face_lost", "กล้องมองไม่เห็นใบหน้าของท่านระหว่างการตรวจ", "The camera lost sight of your face during the check"),
    Message("error.liveness_not_done", "กล้องยังไม่เห็นการเคลื่อนไหวตามที่ขอภายในเวลา", "The camera did not see the movement asked for in time"),
    Message("error.face_timeout", "หมดเวลาถ่ายภาพใบหน้า", "The face check took too long"),
    Message("error.chip_photo", "ไม่พบใบหน้าในรูปของบัตร", "No face was found in the card photo"),
    Message("error.otp_failed", "ไม่สามารถยืนยันรหัส SMS ได้", "The SMS code could not be confirmed"),
    Message("error.offline", "ขณะนี้ไม่สามารถติดต่อระบบกลางได้", "The central system cannot be reached right now"),
    Message("error.timeout", "หมดเวลาทำรายการ", "The session timed out"),
    Message("error.app_scan_timeout", "ตู้ยังอ่านคิวอาร์โค้ดจากแอปไม่ได้", "The kiosk could not read the QR code from your app"),
    Message("error.device_fault", "อุปกรณ์ของตู้ขัดข้อง", "A device of this kiosk is not working"),
    Message("error.issue_failed", "ไม่สามารถออกผลการยืนยันตัวตนได้", "The result could not be issued"),
    Message("action.retry_card", "กรุณาเช็ดชิปบัตรให้สะอาดแล้วลองใหม่อีกครั้ง", "Please clean the chip and try again"),
    Message("action.renew_card", "กรุณาต่ออายุบัตรที่สำนักงานเขตหรือที่ว่าการอำเภอ", "Please renew your card at a district office"),
    Message("action.use_own_card", "กรุณาใช้บัตรประชาชนของท่านเองและเริ่มใหม่", "Please use your own ID card and start again"),
    Message("action.try_again", "กรุณาเริ่มใหม่อีกครั้ง", "Please start again"),
    Message("action.app_scan_retry", "เริ่มใหม่ได้ และเลือกรับผลเป็นคิวอาร์โค้ดบนจอนี้แทน", "You can start again and receive the result as a QR code on this screen instead"),
    Message("action.call_help", "กรุณาติดต่อศูนย์บริการตามหมายเลขด้านล่าง", "Please call the help line below"),
    Message("action.district_office", "กรุณาติดต่อสำนักงานเขตหรือที่ว่าการอำเภอ พร้อมบัตรประชาชนของท่าน", "Please go to a district office with your ID card"),
    Message("action.counter", "ลองใหม่อีกครั้งได้ หรือติดต่อเจ้าหน้าที่ตามที่แสดงด้านล่าง พร้อมเลขอ้างอิงนี้", "You can try again, or see staff at the place shown below with this reference"),
    Message("action.see_staff", "กรุณาติดต่อเจ้าหน้าที่ตามที่แสดงด้านล่าง พร้อมเลขอ้างอิงนี้", "Please see staff at the place shown below with this reference"),
    Message("action.try_later", "กรุณาลองใหม่ภายหลัง หรือใช้ตู้อื่น", "Please try again later or use another kiosk"),
)

MESSAGES: dict[str, Message] = {m.code: m for m in _ALL}


def msg(code: str) -> Message:
    """The message with this code; `KeyError` names an unknown code."""
    try:
        return MESSAGES[code]
    except KeyError:
        raise KeyError(f"no citizen message with code {code!r}") from None
