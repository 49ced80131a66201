using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Visitors;

public sealed record VisitorEmail(string Address);

public sealed record VisitorPhone(string PhoneNumber);

public sealed record LastChatView([property: JsonPropertyName("_id")] string Id, DateTime Ts);

/// <summary>
/// The visitor document on the wire (livechat-endpoints §3.1). <see cref="Own"/> is the visitor's own answer, with its
/// token; <see cref="From"/> is everyone else's (staff, change events), without it: the token is the visitor's credential.
/// </summary>
public sealed record VisitorView(
    [property: JsonPropertyName("_id")] string Id,
    string? Token,
    string Username,
    string? Name,
    IReadOnlyList<VisitorEmail>? VisitorEmails,
    IReadOnlyList<VisitorPhone>? Phone,
    string? Department,
    string Status,
    DateTime Ts,
    [property: JsonPropertyName("_updatedAt")] DateTime UpdatedAt,
    LastChatView? LastChat,
    IReadOnlyDictionary<string, string>? LivechatData,
    string? UserAgent,
    string? Ip,
    string? Host)
{
    public static VisitorView From(Visitor v) => Own(v) with { Token = null };

    public static VisitorView Own(Visitor v) => new(
        v.Id, v.Token, v.Username, v.Name, EmailsOf(v), PhonesOf(v), v.Department, v.Status, v.Ts, v.UpdatedAt,
        LastChatOf(v), v.LivechatData, v.UserAgent, v.Ip, v.Host);

    internal static IReadOnlyList<VisitorEmail>? EmailsOf(Visitor v) => v.Email is null ? null : [new VisitorEmail(v.Email)];
    internal static IReadOnlyList<VisitorPhone>? PhonesOf(Visitor v) => v.Phone is null ? null : [new VisitorPhone(v.Phone)];
    internal static LastChatView? LastChatOf(Visitor v) => v.LastChatId is { } id ? new LastChatView(id, v.LastChatTs ?? v.Ts) : null;
}

/// <summary>The shorter visitor of <c>visitors.search</c>.</summary>
public sealed record VisitorSearchView(
    [property: JsonPropertyName("_id")] string Id,
    string Username,
    string? Name,
    IReadOnlyList<VisitorPhone>? Phone,
    IReadOnlyDictionary<string, string>? LivechatData,
    IReadOnlyList<VisitorEmail>? VisitorEmails,
    LastChatView? LastChat)
{
    public static VisitorSearchView From(Visitor v) => new(
        v.Id, v.Username, v.Name, VisitorView.PhonesOf(v), v.LivechatData, VisitorView.EmailsOf(v), VisitorView.LastChatOf(v));
}

public sealed record VisitorResponse(VisitorView Visitor) : ApiResponse;

/// <summary>Another visitor with the same e-mail address or phone number: perhaps the same person on another device.</summary>
public sealed record DuplicateVisitorView([property: JsonPropertyName("_id")] string Id, string Username, string? Name, DateTime Ts);

/// <summary><c>visitors.info</c>: the visitor, and (our extension, only when there are some) the visitors sharing an address.</summary>
public sealed record VisitorInfoResponse(VisitorView Visitor, IReadOnlyList<DuplicateVisitorView>? PossibleDuplicates) : ApiResponse;
public sealed record DeletedVisitorView([property: JsonPropertyName("_id")] string Id, DateTime Ts);
public sealed record DeletedVisitorResponse(DeletedVisitorView Visitor) : ApiResponse;
public sealed record VisitorStatusResponse(string Token, string Status) : ApiResponse;
public sealed record VisitorsSearchResponse(IReadOnlyList<VisitorSearchView> Visitors, int Count, int Offset, int Total) : ApiResponse;
