"""CI check: a supervisor's live page on instance A follows a contact taken in by instance B.

  live_across_instances.py http://127.0.0.1:18181 http://127.0.0.1:18182
Both instances share one PostgreSQL; the change travels by NOTIFY/LISTEN to A's WebSocket.
"""
import json
import os
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

a, b = sys.argv[1], sys.argv[2]
options = webdriver.ChromeOptions()
options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")), options=options)
driver.implicitly_wait(5)
try:
    driver.get(a + "/login")
    driver.find_element(By.ID, "email").send_keys("supervisor@demo.test")
    driver.find_element(By.ID, "password").send_keys("guichet-demo")
    driver.find_element(By.ID, "login-submit").click()
    WebDriverWait(driver, 20).until(lambda d: "/login" not in d.current_url)
    driver.get(a + "/orgs/maison-lumiere/contact-centre")
    live = driver.find_element(By.ID, "live")
    WebDriverWait(driver, 20).until(lambda d: live.get_attribute("data-connected") == "true")

    def waiting():
        return int(driver.find_element(By.CSS_SELECTOR, 'tr[data-queue="accueil"] [data-field="waiting"]').text)

    before = waiting()
    request = urllib.request.Request(
        b + "/api/v1/channels/form/maison-lumiere/contact",
        data=json.dumps({"email": "across@example.fr", "message": "Bonjour depuis l'instance B"}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201, response.status
    WebDriverWait(driver, 15).until(lambda d: waiting() == before + 1)
    print(f"instance A's live page went from {before} to {before + 1} waiting after a form taken in by instance B")
finally:
    driver.quit()
