"""Critical web flows of the single point of contact: a customer writes through the web form, the
supervisor's live page updates without a reload, and a customer's history shows every channel."""
import json
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import click_and_wait
from test_login import sign_in


def waiting(browser, queue):
    return browser.find_element(By.CSS_SELECTOR, f'tr[data-queue="{queue}"] [data-field="waiting"]').text


def test_live_queue_page_updates_when_a_customer_writes(browser, server):
    sign_in(browser, server, "supervisor@demo.test")
    browser.get(server + "/orgs/maison-lumiere/contact-centre")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Files d’attente en direct")
    live = browser.find_element(By.ID, "live")
    WebDriverWait(browser, 10).until(lambda b: live.get_attribute("data-connected") == "true")
    before = int(waiting(browser, "accueil"))
    # A customer uses the brand's form from its own site (JSON endpoint, no account).
    request = urllib.request.Request(
        server + "/api/v1/channels/form/maison-lumiere/contact",
        data=json.dumps({"email": "nouvelle@example.fr", "message": "Bonjour, une question."}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    WebDriverWait(browser, 10).until(lambda b: int(waiting(b, "accueil")) == before + 1)


def test_web_form_without_javascript_and_customer_history(browser, server):
    browser.get(server + "/contact/maison-lumiere/contact")
    browser.find_element(By.ID, "name").send_keys("Monique Bernard")
    browser.find_element(By.ID, "email").send_keys("m.bernard@example.fr")
    browser.find_element(By.ID, "subject").send_keys("Toujours pas remboursée")
    browser.find_element(By.ID, "message").send_keys("Je n'ai toujours pas été remboursée du double prélèvement.")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#contact-form button[type=submit]"))
    assert browser.find_element(By.ID, "form-reference").text.startswith("G-")

    sign_in(browser, server, "agent@demo.test")
    browser.get(server + "/orgs/maison-lumiere/customers?q=bernard")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#customer-results a"))
    timeline = browser.find_element(By.ID, "timeline").text
    for channel in ("téléphone", "e-mail", "formulaire"):
        assert channel in timeline
    journey = browser.find_element(By.ID, "journey").text
    assert "3 contacts" in journey and "3 points d’entrée" in journey and "1 avec mise en attente" in journey
