using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Survey;

public sealed record SurveyResponse(string Rid, IReadOnlyDictionary<string, string> Data) : ApiResponse;

/// <summary>
/// The widget's satisfaction survey (Rocket.Chat's <c>livechat/room.survey</c>): the visitor's answers, checked against
/// the survey that <c>livechat/config</c> announces (<see cref="Items"/>, <see cref="Values"/>; <c>additionalFeedback</c>
/// is free text), stored as the room's <c>surveyFeedback</c> (shown by <c>rooms.info</c>, sent with
/// <c>LivechatSession</c>).
/// </summary>
public static class SurveyEndpoints
{
    // POST livechat/room.survey   {rid, token, data:[{name, value}]}   the visitor, by token
    public static IEndpointRouteBuilder MapSurvey(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/livechat").WithTags("Survey")
            .MapPost("/room.survey", Save)
            .WithDescription("The visitor's answers to the satisfaction survey (`satisfaction`, `agentKnowledge`, `agentResposiveness`, "
                + "`agentFriendliness`: `1`–`5`; `additionalFeedback`: text), stored as the room's `surveyFeedback`.");
        return app;
    }

    /// <summary>The questions and answers the widget's survey offers (Rocket.Chat's, misspelling included).</summary>
    public static readonly string[] Items = ["satisfaction", "agentKnowledge", "agentResposiveness", "agentFriendliness"];
    public static readonly string[] Values = ["1", "2", "3", "4", "5"];
    const string FreeText = "additionalFeedback";

    static readonly ObjectSchema RequestSchema = Schema.Object(
        ("rid", Schema.String()), ("token", Schema.String()),
        ("data", Schema.Array(Schema.Object(
            ("name", Schema.String().AtMost(Limits.MaxShortTextLength)),
            ("value", Schema.String().AtMost(Limits.MaxOfflineMessageLength))).Requires("name", "value").AllowingAdditional())
            .AtMost(Items.Length + 1)))
        .Requires("rid", "token", "data");

    static async Task<Results<Ok<SurveyResponse>, ApiError>> Save(JsonBody body, LivechatDb db, Writes writes, CancellationToken ct)
    {
        var request = (JsonObject)RequestSchema.Validate(body.Root)!;
        var (rid, token) = ((string)request["rid"]!, (string)request["token"]!);
        var answers = new Dictionary<string, string>();
        foreach (var item in request["data"]!.AsArray())
        {
            var (name, value) = ((string)item!["name"]!, (string)item["value"]!);
            if ((Items.Contains(name) && Values.Contains(value)) || name == FreeText) answers[name] = value;
        }
        return await writes.RetryOnConflictAsync(db, async locked =>
        {
            var visitorId = await db.Visitors.AsNoTracking().Where(v => v.Token == token).Select(v => v.Id).FirstOrDefaultAsync(ct);
            if (visitorId is null) return ApiError.Failure("invalid-token");
            var rooms = locked ? RoomLocks.Locked(db, rid) : db.Rooms.Where(r => r.Id == rid);
            var room = await rooms.FirstOrDefaultAsync(r => r.VisitorId == visitorId, ct);
            if (room is null) return ApiError.Failure("invalid-room");
            if (answers.Count == 0) return ApiError.Failure("invalid-data");
            room.SurveyFeedback = answers;
            await writes.SaveAsync(db, ct);
            return (Results<Ok<SurveyResponse>, ApiError>)TypedResults.Ok(new SurveyResponse(rid, answers));
        }, ct);
    }
}
