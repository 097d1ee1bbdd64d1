/**
 * Marks runs whose attempts ask the providers' shared circuit breakers and pass over providers
 * that cannot make the scene, and whose review refuses a person's provider that cannot; older
 * recorded runs replay the static choice alone.
 */
export const PATCH_PROVIDER_HEALTH = 'provider-health';
