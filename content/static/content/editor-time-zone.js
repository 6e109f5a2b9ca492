// Tell the server the editor's time zone, so the admin shows and reads dates
// and times in it (rehabinfo.timezones.EditorTimeZoneMiddleware).
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) {
    return;
  }
  // IANA names ("America/New_York") hold only characters a cookie allows.
  var cookie = "editor_time_zone=" + zone;
  if (document.cookie.split("; ").indexOf(cookie) === -1) {
    document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax" +
      (window.location.protocol === "https:" ? "; Secure" : "");
  }
})();
