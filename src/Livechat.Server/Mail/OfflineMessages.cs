using System.Net;
using Livechat.Server.Data;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Mail;

/// <summary>
/// The widget's offline form as an e-mail (Rocket.Chat's <c>sendOfflineMessage</c>): to the chosen department's address
/// (by id or name), else <c>Livechat_offline_email</c>; from <c>"name - email" &lt;From_Email&gt;</c>, replying to the
/// visitor. With neither address set there is no mail (the webhook may still carry the message).
/// </summary>
public static class OfflineMessages
{
    public const string Kind = "offline-message";

    /// <summary>Adds the mail to the outbox of the caller's unit of work; false when there is nobody to send it to.</summary>
    public static async Task<bool> EnqueueAsync(LivechatDb db, SettingsStore settings, string name, string email, string message,
        string? department, DateTime now, CancellationToken ct)
    {
        var to = await settings.GetStringAsync("Livechat_offline_email", ct);
        if (department is { Length: > 0 }
            && await db.Departments.AsNoTracking().Where(d => d.Id == department || d.Name == department)
                .Select(d => d.Email).FirstOrDefaultAsync(ct) is { Length: > 0 } departmentEmail)
        {
            to = departmentEmail;
        }
        to = to.Trim();
        if (to.Length == 0) return false;

        var subject = $"Livechat offline message from {name}: {(message.Length > 20 ? message[..20] : message)}";
        var text = $"New livechat message\n\nVisitor name: {name}\nVisitor email: {email}\n\nMessage:\n{message}\n";
        var html = "<h1>New livechat message</h1>"
            + $"<p><strong>Visitor name:</strong> {WebUtility.HtmlEncode(name)}</p>"
            + $"<p><strong>Visitor email:</strong> {WebUtility.HtmlEncode(email)}</p>"
            + $"<p><strong>Message:</strong><br>{WebUtility.HtmlEncode(message).ReplaceLineEndings("<br>")}</p>";
        MailSetup.Enqueue(db, Kind, null, to, subject.ReplaceLineEndings(" "), text, html, now,
            fromName: $"{name} - {email}", replyTo: new MimeKit.MailboxAddress(name, email).ToString());
        return true;
    }
}
