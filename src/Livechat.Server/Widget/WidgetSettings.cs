using System.Text.Json.Nodes;
using Livechat.Server.Settings;

namespace Livechat.Server.Widget;

/// <summary>The settings groups of <c>livechat/config</c>, named as the widget reads them (Rocket.Chat's <c>settings()</c>).</summary>
public static class WidgetSettings
{
    public static async Task<JsonObject> SettingsAsync(SettingsStore s, CancellationToken ct)
    {
        var limit = await s.GetBoolAsync("Livechat_enable_message_character_limit", ct)
            ? JsonValue.Create(await s.GetIntAsync("Livechat_message_character_limit", ct)) : JsonValue.Create(false);
        return new JsonObject
        {
            ["registrationForm"] = await s.GetBoolAsync("Livechat_registration_form", ct),
            ["allowSwitchingDepartments"] = await s.GetBoolAsync("Livechat_allow_switching_departments", ct),
            ["nameFieldRegistrationForm"] = await s.GetBoolAsync("Livechat_name_field_registration_form", ct),
            ["emailFieldRegistrationForm"] = await s.GetBoolAsync("Livechat_email_field_registration_form", ct),
            ["displayOfflineForm"] = await s.GetBoolAsync("Livechat_display_offline_form", ct),
            // No video calls on this server: the widget then hides the button.
            ["videoCall"] = false,
            ["fileUpload"] = await Files.FileMessages.EnabledAsync(s, ct),
            ["language"] = await s.GetStringAsync("Language", ct),
            ["transcript"] = await s.GetBoolAsync("Livechat_enable_transcript", ct),
            ["historyMonitorType"] = await s.GetStringAsync("Livechat_history_monitor_type", ct),
            ["forceAcceptDataProcessingConsent"] = await s.GetBoolAsync("Livechat_force_accept_data_processing_consent", ct),
            ["showConnecting"] = await s.GetBoolAsync("Livechat_Show_Connecting", ct),
            ["agentHiddenInfo"] = !await s.GetBoolAsync("Livechat_show_agent_info", ct),
            ["clearLocalStorageWhenChatEnded"] = await s.GetBoolAsync("Livechat_clear_local_storage_when_chat_ended", ct),
            ["limitTextLength"] = limit,
        };
    }

    public static async Task<JsonObject> ThemeAsync(SettingsStore s, CancellationToken ct) => new()
    {
        ["title"] = await s.GetStringAsync("Livechat_title", ct),
        ["color"] = await s.GetStringAsync("Livechat_title_color", ct),
        ["offlineTitle"] = await s.GetStringAsync("Livechat_offline_title", ct),
        ["offlineColor"] = await s.GetStringAsync("Livechat_offline_title_color", ct),
        ["position"] = await s.GetStringAsync("Livechat_widget_position", ct),
        ["actionLinks"] = new JsonObject { ["webrtc"] = new JsonArray(), ["jitsi"] = new JsonArray() },
    };

    public static async Task<JsonObject> MessagesAsync(SettingsStore s, CancellationToken ct) => new()
    {
        ["offlineMessage"] = await s.GetStringAsync("Livechat_offline_message", ct),
        ["offlineSuccessMessage"] = await s.GetStringAsync("Livechat_offline_success_message", ct),
        ["offlineUnavailableMessage"] = await s.GetStringAsync("Livechat_offline_form_unavailable", ct),
        ["conversationFinishedMessage"] = await s.GetStringAsync("Livechat_conversation_finished_message", ct),
        ["conversationFinishedText"] = await s.GetStringAsync("Livechat_conversation_finished_text", ct),
        ["transcriptMessage"] = await s.GetStringAsync("Livechat_transcript_message", ct),
        ["registrationFormMessage"] = await s.GetStringAsync("Livechat_registration_form_message", ct),
        ["dataProcessingConsentText"] = await s.GetStringAsync("Livechat_data_processing_consent_text", ct),
    };
}
