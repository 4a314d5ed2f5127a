"""Real bounce and complaint messages, as mail servers write them: delivery status
notifications (RFC 3464) and feedback-loop reports (ARF, RFC 5965)."""

DSN = """\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
Date: Mon, 7 Dec 2026 12:00:00 +0000
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
 boundary="B1/mx.example.net"

--B1/mx.example.net
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.
I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B1/mx.example.net
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4BqLnx3Q1Sz9sT
Arrival-Date: Mon, 7 Dec 2026 11:59:58 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.net
Diagnostic-Code: smtp; {diagnostic}

--B1/mx.example.net
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{to}>
From: Academic Jobs <alerts@jobs.example.org>
To: {recipient}
Subject: 3 new jobs matching your alerts

--B1/mx.example.net--
"""

ARF = """\
From: <staff@hotmail.example>
Date: Mon, 7 Dec 2026 12:10:00 +0000
Subject: complaint about message from 192.0.2.1
To: {to}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
 boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.1 on Mon, 7 Dec 2026 08:00:00 +0000.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <{return_path}>
Arrival-Date: Mon, 7 Dec 2026 08:00:00 +0000
Source-IP: 192.0.2.1
Reported-Domain: jobs.example.org

--part1_13d.2e68ed54_boundary
Content-Type: message/rfc822
Content-Disposition: inline

Return-Path: <{return_path}>
From: Academic Jobs <alerts@jobs.example.org>
To: {recipient}
Subject: 3 new jobs matching your alerts
Date: Mon, 7 Dec 2026 07:59:00 +0000
Message-ID: <abc@jobs.example.org>

Three new jobs.

--part1_13d.2e68ed54_boundary--
"""

AUTO_REPLY = """\
From: ann@example.org
To: {to}
Subject: Out of office
Auto-Submitted: auto-replied

I am away until Monday.
"""


def dsn(to, recipient, *, action="failed", status="5.1.1", diagnostic=None) -> bytes:
    diagnostic = diagnostic or f"{status.replace('.', '')} {status} <{recipient}>: no such user"
    text = DSN.format(
        to=to, recipient=recipient, action=action, status=status, diagnostic=diagnostic
    )
    return text.replace("\n", "\r\n").encode()


def arf(to, recipient, return_path, *, feedback_type="abuse") -> bytes:
    text = ARF.format(
        to=to, recipient=recipient, return_path=return_path, feedback_type=feedback_type
    )
    return text.replace("\n", "\r\n").encode()


def auto_reply(to) -> bytes:
    return AUTO_REPLY.format(to=to).replace("\n", "\r\n").encode()
