from .channels import channel


@channel("sms")
def send_sms(recipient, text):
    return {"to": recipient, "via": "sms", "chars": len(text[:160])}
