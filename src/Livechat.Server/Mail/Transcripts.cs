using System.Globalization;
using System.Net;
using System.Text;
using Livechat.Server.Data;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Mail;

/// <summary>Where and how a transcript goes: Rocket.Chat's <c>requestData</c> (<c>email</c>, <c>subject</c>).</summary>
public sealed record TranscriptAddress(string Email, string? Subject);

/// <summary>
/// A room's conversation as an e-mail (Rocket.Chat's <c>sendTranscript</c>): the visitor's and agents' messages in order,
/// each under its author (<c>You</c> for the visitor; the agent's name, or <c>Agent</c> when <c>Livechat_show_agent_info</c>
/// is off) and its time (UTC, as moment's <c>LLL</c>), as plain text and as HTML with every value escaped.
/// </summary>
public static class Transcripts
{
    public const string Kind = "transcript";
    public const string DefaultSubject = "Transcript of your livechat conversation";

    /// <summary>Composes the room's transcript now and adds it to the mail outbox of the caller's unit of work.</summary>
    public static async Task EnqueueAsync(LivechatDb db, SettingsStore settings, string roomId, string visitorId, TranscriptAddress to,
        DateTime now, CancellationToken ct)
    {
        var showAgent = await settings.GetBoolAsync("Livechat_show_agent_info", ct);
        var subject = to.Subject is { Length: > 0 } given ? given
            : await settings.GetStringAsync("Livechat_transcript_email_subject", ct) is { Length: > 0 } configured ? configured
            : DefaultSubject;
        // System messages (joins, transfers, the close…) stay out, as Rocket.Chat's default leaves them out.
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.Rid == roomId && m.T == null && m.DeletedAt == null)
            .OrderBy(m => m.Ts).ThenBy(m => m.Id)
            .Select(m => new { m.UserId, m.Username, m.UserDisplayName, m.Msg, m.Ts })
            .ToListAsync(ct);

        var text = new StringBuilder();
        var html = new StringBuilder("<div> <hr>");
        foreach (var m in messages)
        {
            var author = m.UserId == visitorId ? "You" : showAgent ? m.UserDisplayName ?? m.Username : "Agent";
            var time = m.Ts.ToString("MMMM d, yyyy h:mm tt", CultureInfo.InvariantCulture);
            text.Append(author).Append("  ").Append(time).Append('\n').Append(m.Msg).Append("\n\n");
            html.Append("<p><strong>").Append(WebUtility.HtmlEncode(author)).Append("</strong>  <em>").Append(time).Append("</em></p>")
                .Append("<p>").Append(WebUtility.HtmlEncode(m.Msg).ReplaceLineEndings("<br>")).Append("</p>");
        }
        html.Append("</div>");
        MailSetup.Enqueue(db, Kind, roomId, to.Email, subject, text.ToString(), html.ToString(), now);
    }

    /// <summary>
    /// On close (in the closing transaction): the transcript the closer asked for (<c>transcriptEmail.sendToVisitor</c>),
    /// else the one an agent requested earlier (<c>livechat/transcript/:rid</c>), unless the closer said
    /// <c>sendToVisitor: false</c>; the stored request is spent either way.
    /// </summary>
    public static async Task OnCloseAsync(LivechatDb db, SettingsStore settings, string roomId, string visitorId, bool? sendToVisitor,
        TranscriptAddress? requested, DateTime now, CancellationToken ct)
    {
        var stored = await db.TranscriptRequests.FirstOrDefaultAsync(r => r.RoomId == roomId, ct);
        if (stored is not null) db.TranscriptRequests.Remove(stored);
        var address = sendToVisitor switch
        {
            true => requested,
            false => null,
            null => stored is null ? null : new TranscriptAddress(stored.Email, stored.Subject),
        };
        if (address is not null) await EnqueueAsync(db, settings, roomId, visitorId, address, now, ct);
    }
}
