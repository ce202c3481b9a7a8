package io.cameliotmp.api;

import java.net.URI;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The console's first steps as the browser tests take them: open it, sign in, pick a device. */
final class ConsolePage {

    private ConsolePage() {
    }

    /**
     * Opens the console at {@code console}, signs in with {@code token} and picks {@code device} once it is listed;
     * answers the wait (of {@code patience}) to go on with.
     */
    static WebDriverWait signInAndPick(WebDriver browser, URI console, String token, String device,
                                       Duration patience) {
        browser.get(console.toString());
        WebDriverWait wait = new WebDriverWait(browser, patience);
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in-button")).click();
        // the list is drawn again as devices come and go: a button found a moment ago may be gone
        wait.withMessage(device + " listed").ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(By.cssSelector("#devices button[data-device='" + device + "']")).click();
            return true;
        });
        return wait;
    }
}
