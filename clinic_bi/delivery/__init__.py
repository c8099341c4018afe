"""Delivery of the owner's report by e-mail (`python -m clinic_bi send`, issue 16).

- `send.py`: the command — the period, when to send and when not, the exit codes;
- `mail.py`: the letter (text, HTML, the report files) and its SMTP delivery, all or nothing;
- `settings.py`: the mail server, from environment variables or Streamlit's secrets;
- `log.py`: what was sent to whom, in the store's `meta` table (`send_log(path)` for the pages);
- `words.py`: the words of the letter and of the refusals, in Russian and English.
"""
